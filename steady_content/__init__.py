"""The authoring pipeline: parse front matter, validate, render, sanitise, publish.

Runs in CI and on authors' machines; the Lambda never imports it.
"""
