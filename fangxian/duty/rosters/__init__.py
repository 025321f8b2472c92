"""The duty roster (排班): shift templates, rules, plans, the solver task, swaps, attendance."""
