"""Results storage: provenance records and safe (atomic) file output."""

from aucluster.store.files import atomic_output, check_writable, read_csv, write_csv
from aucluster.store.provenance import file_sha256, provenance_record, write_provenance

__all__ = [
    "atomic_output",
    "check_writable",
    "file_sha256",
    "provenance_record",
    "read_csv",
    "write_csv",
    "write_provenance",
]
