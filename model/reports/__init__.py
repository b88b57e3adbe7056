"""Markdown and PNG helpers shared by every report, and the run report."""
