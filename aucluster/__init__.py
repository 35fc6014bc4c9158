"""aucluster: the atomistic side of gold nanocrystal growth.

EMT molecular dynamics, structure analysis, cluster stability and simulated ADF-STEM
for Au nanoparticles growing from a cluster-cloud. See DESIGN in the repository for the map.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("aucluster")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
