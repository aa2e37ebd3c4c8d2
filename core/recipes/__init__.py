"""Recipes and what they yield: recipes with components and variants, finished units (`entities`), finished
goods and bundles (`finished_goods`), and a recipe's ingredient lines per batch, nested recipes included
(`scaling`)."""
