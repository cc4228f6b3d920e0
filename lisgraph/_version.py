"""The version of lisgraph, in a leaf module so that any layer can name it without importing the
package root (which imports the build)."""

__version__ = "0.1.0"
