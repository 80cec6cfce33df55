"""The plan side: a re-creation of a project-scheduling server (calendars, tasks, scheduler)."""
