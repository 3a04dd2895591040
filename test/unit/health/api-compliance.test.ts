// The real monitor passes the HealthMonitorApi compliance suite.
import { createHealthMonitor } from '../../../src/health/monitor.js';
import { silentLogger } from '../../../src/log/logger.js';
import { healthApiCompliance } from '../../helpers/health/api-compliance.js';

healthApiCompliance('createHealthMonitor', (backends) => createHealthMonitor({ backends, logger: silentLogger() }));
