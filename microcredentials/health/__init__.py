"""Content health: external links checked, pages reviewed on time, and a weekly digest to each page's owner."""
