"""The bundled demo site (three site families) and its loopback server."""
