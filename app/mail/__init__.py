"""Outgoing e-mail: building messages, the SMTP sender, the local mail sink, dispatch."""
