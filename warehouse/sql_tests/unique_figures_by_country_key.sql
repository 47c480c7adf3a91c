-- figures_by_country: one row per country, role and unit
SELECT country_code, role, unit, count(*) AS n_rows
FROM figures_by_country
GROUP BY country_code, role, unit
HAVING count(*) > 1
