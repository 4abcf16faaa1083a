"""Operational scripts: throwaway PostgreSQL clusters, backup and restore checks."""
