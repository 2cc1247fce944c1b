#!/usr/bin/env bash
# `make stop`: stop the project's PostgreSQL cluster (Odoo itself stops with Ctrl+C).
source "$(dirname "$0")/common.sh"
stop_cluster
