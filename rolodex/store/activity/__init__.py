"""What happens with people over time: interaction history, tasks, events, deals, and the
cadences and anniversaries that make someone due."""
