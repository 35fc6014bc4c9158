"""Structure analysis. So far: connected clusters (the particle and its cloud)."""

from aucluster.analysis.clusters import cluster_labels, detached_atoms

__all__ = ["cluster_labels", "detached_atoms"]
