"""Recipes and what they yield: recipes with components and variants, finished units (`entities`), finished
goods and bundles (`finished_goods`), and a recipe's ingredient lines per batch, nested recipes included
(`scaling`), a recipe scaled by one ingredient on hand (`scale_by`, `scale_report`) and its formula in baker's
percentages (`bakers_percentages`)."""
