"""Geheimhaltung: the only way from stored rows to showable rows."""
