"""Stock: purchases and lots (`lots`), FIFO consumption (`fifo`), purchases, levels and losses on lots
(`inventory`), and production and assembly runs that consume stock (`production`)."""
