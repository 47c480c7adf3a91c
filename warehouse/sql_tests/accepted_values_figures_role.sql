-- figures.role: one of opwatch.records.FIGURE_ROLES
SELECT figure_id, role
FROM figures
WHERE role NOT IN {{ figure_roles }}
