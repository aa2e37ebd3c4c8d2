"""The catalog: suppliers, ingredients, products and packaging materials (`entities`), and what refers to a
record before it may be deleted (`references`)."""
