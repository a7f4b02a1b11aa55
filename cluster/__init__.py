"""The cluster test (issue 19): ``python -m cluster``; see cluster/__main__.py."""
