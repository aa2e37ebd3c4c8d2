"""Stock: purchases and lots (`lots`), FIFO consumption (`fifo`), purchases, levels and losses on lots
(`inventory`), production and assembly runs that consume stock (`production`), and what baking would take
from a copy of the lots (`dry_run`)."""
