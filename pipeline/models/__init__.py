"""The committed models as the package ships them (copies of `models/`, see `make models`)."""
