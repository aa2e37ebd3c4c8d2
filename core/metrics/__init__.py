"""Metrics read from the daily activity documents only (core.activity.daily), never from the records."""
