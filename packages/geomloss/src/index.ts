/**
 * @symtensor/geomloss: samplesLoss: Sinkhorn divergences (balanced, unbalanced, multiscale), kernel MMDs and Hausdorff losses, with potentials, plans and gradients.
 *
 * Not implemented yet: see the project's open issues.
 */
export {};
