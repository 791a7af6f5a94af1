/** Map kernels (out[i] = F(p, x_i)) at every dim, with 0, 1, 7 and 1000+ rows. */
import { exp, mul, sin, sqNorm2, sub, variable } from '../../formula/build.js';
import type { Formula } from '../../formula/formula.js';
import { mapSpec } from '../../kernel/spec.js';
import type { Case } from '../run-case.js';
import { type ConformanceTest, casesTest, type TestGroup } from './common.js';
import { DIMS } from './dims.js';

/** sin(x - p) * q: a vector input, a vector parameter and a broadcast scalar parameter. */
function mapFormula(D: number): Formula {
  return mul(sin(sub(variable(0, D, 'i'), variable(1, D, 'p'))), variable(2, 1, 'p'));
}

function mapCase(label: string, formula: Formula, nx: number): Case {
  return { label, nx, ny: 0, spec: (dtype) => mapSpec({ formula, dtype }) };
}

export function mapGroup(): TestGroup {
  const tests: ConformanceTest[] = DIMS.map((D) =>
    casesTest(`D=${D}`, [mapCase(`D=${D}, 7 rows`, mapFormula(D), 7)]),
  );
  tests.push(
    casesTest('rows 0, 1 and 1003', [
      mapCase('no row', mapFormula(3), 0),
      mapCase('1 row', mapFormula(3), 1),
      mapCase('1003 rows', mapFormula(3), 1003),
      mapCase('256 rows, D=100', mapFormula(100), 256),
    ]),
    casesTest('scalar output', [mapCase('|x|^2, D=17', sqNorm2(variable(0, 17, 'i')), 9)]),
    // No i variable: every row is the same value.
    casesTest('parameters only', [mapCase('exp(p)', exp(variable(0, 4, 'p')), 5)]),
  );
  return { name: 'maps', tests };
}
