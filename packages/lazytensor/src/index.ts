/**
 * @symtensor/lazytensor: The user API: dense Tensors, LazyTensors (Vi, Vj, Pm, operators, reductions), genred for formula strings, reverse-mode autograd and backend selection.
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
