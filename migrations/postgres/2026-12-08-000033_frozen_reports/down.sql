DROP TABLE frozen_reports;
DROP FUNCTION frozen_reports_keep();
