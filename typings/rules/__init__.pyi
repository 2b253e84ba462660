# Local stubs for the parts of `rules` (django-rules) the test suite uses:
# the package ships py.typed but leaves these functions unannotated.
from .permissions import add_perm as add_perm
from .predicates import Predicate as Predicate
from .predicates import predicate as predicate
