/**
 * @symtensor/core-ir/peer-inputs: the counter-based input generator of the project's peer
 * measurements, so benchmarks and tests in every package draw the same points as the committed
 * Python scripts (NumPy, SciPy, scikit-learn, POT) that produced the reference numbers.
 */

export { lowbias32, normal, uniform, word } from './generator.js';
