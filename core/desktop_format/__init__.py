"""The desktop BakeTracker's JSON files: full exports (4.0–4.3) and mobile purchase/inventory files."""
