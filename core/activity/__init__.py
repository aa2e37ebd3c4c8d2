"""Activity: one record per call (who, which bakery, which operation, how it was entered, how it ended, how
long it took; never what was bought or said), and the daily documents they are folded into."""
