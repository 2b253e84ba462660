# Local stubs for the parts of bridgekeeper the tests and docs examples use (it ships no
# annotations): the process-wide permission map.
from .permission_map import PermissionMap

perms: PermissionMap
