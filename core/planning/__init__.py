"""Planning an event: events and their runs (`events`), needs through bundles (`bundle_needs`), batches and
ingredient totals (`event_plan`, `ingredient_totals`), the shopping list (`shopping`), what a plan relied on
(`factors_used`), progress and run history (`event_history`), and the plan as JSON and text (`plan_report`);
mixers and ovens (`equipment`), buffers for breakage (`buffers`), what the stock on hand makes (`can_make`) and what
an event costs (`costing`)."""
