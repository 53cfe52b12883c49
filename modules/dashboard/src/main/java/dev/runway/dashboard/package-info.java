/**
 * The dashboard's pages (projects, pipelines, workflow graphs, jobs with live output, runners), its sessions and CSRF
 * tokens, and the static CSS and ES modules it serves; all data comes from the server's HTTP API.
 */
package dev.runway.dashboard;
