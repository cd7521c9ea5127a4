"""`skops.io`, imported without its scan of every scikit-learn estimator.

On import, skops walks all of scikit-learn (`sklearn.utils.all_estimators`, ~0.4 s, an eighth
of a one-file `vnpolicy run`) to build the list of types it trusts by default, on top of the
list a caller passes. We always pass our own list (`train.TRUSTED_TYPES`), so the scan is
replaced by an empty one while skops imports: loading gets faster and trusts only our list.
Import skops through this module everywhere, or the first plain import wins.
"""

import sklearn.utils

_all_estimators = sklearn.utils.all_estimators
sklearn.utils.all_estimators = lambda *args, **kwargs: []
try:
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException
finally:
    sklearn.utils.all_estimators = _all_estimators

__all__ = ["UntrustedTypesFoundException", "sio"]
