"""Measures: UN/CEFACT units and exact conversion, exact quantities, and the reference densities and weights
per piece (with their sources) used when a bakery has not given its own."""
