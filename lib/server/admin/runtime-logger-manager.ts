/**
 * Kafka's RuntimeLoggerManager: IncrementalAlterConfigs on a BROKER_LOGGER resource sets (SET) or
 * unsets (DELETE) the level of this broker's loggers at runtime — in memory only, as Kafka's
 * Log4jController does. Unknown loggers, unknown levels, removing the root's level, APPEND and
 * SUBTRACT get Kafka's errors.
 */
import { InvalidConfigError, InvalidRequestError } from '../../protocol/errors.js';
import { ROOT_LOGGER, loggerExists, setLoggerLevel, unsetLoggerLevel } from '../../utils/logger.js';
import { logger } from '../../utils/logger.js';
import { AlterConfigOpType, type AlterConfigOp } from './config-admin-manager.js';

/** Kafka's LogLevelConfig.VALID_LOG_LEVELS, sorted as its message lists them. */
const VALID_LOG_LEVELS = ['DEBUG', 'ERROR', 'FATAL', 'INFO', 'TRACE', 'WARN'];

export class RuntimeLoggerManager {
  private readonly log = logger('kafka.server.logger.RuntimeLoggerManager');

  constructor(private readonly nodeId: number) {}

  applyChangesForResource(validateOnly: boolean, resourceName: string, ops: readonly AlterConfigOp[]): void {
    this.validateResourceNameIsNodeId(resourceName);
    this.validateLogLevelConfigs(ops);
    if (validateOnly) return;
    for (const op of ops) {
      if (op.configOperation === AlterConfigOpType.SET) {
        if (setLoggerLevel(op.name, op.value ?? '')) this.log.warn(`Updated the log level of ${op.name} to ${op.value}`);
        else this.log.error(`Failed to update the log level of ${op.name} to ${op.value}`);
      } else if (unsetLoggerLevel(op.name)) {
        this.log.warn(`Unset the log level of ${op.name}`);
      } else {
        this.log.error(`Failed to unset the log level of ${op.name}`);
      }
    }
  }

  private validateResourceNameIsNodeId(resourceName: string): void {
    if (!/^-?\d+$/.test(resourceName)) throw new InvalidRequestError(`Node id must be an integer, but it is: ${resourceName}`);
    // Kafka's message prints its own id twice.
    if (Number(resourceName) !== this.nodeId) throw new InvalidRequestError(`Unexpected node id. Expected ${this.nodeId}, but received ${this.nodeId}`);
  }

  private validateLogLevelConfigs(ops: readonly AlterConfigOp[]): void {
    for (const op of ops) {
      const name = op.name;
      switch (op.configOperation) {
        case AlterConfigOpType.SET:
          this.validateLoggerNameExists(name);
          if (!VALID_LOG_LEVELS.includes(op.value ?? '')) {
            throw new InvalidConfigError(`Cannot set the log level of ${name} to ${op.value} as it is not a supported log level. Valid log levels are ${VALID_LOG_LEVELS.join(', ')}`);
          }
          break;
        case AlterConfigOpType.DELETE:
          this.validateLoggerNameExists(name);
          if (name === ROOT_LOGGER) throw new InvalidRequestError(`Removing the log level of the ${ROOT_LOGGER} logger is not allowed`);
          break;
        case AlterConfigOpType.APPEND:
          throw new InvalidRequestError('APPEND operation is not allowed for the BROKER_LOGGER resource');
        case AlterConfigOpType.SUBTRACT:
          throw new InvalidRequestError('SUBTRACT operation is not allowed for the BROKER_LOGGER resource');
        default:
          throw new InvalidRequestError(`Unknown operation type ${op.configOperation} is not allowed for the BROKER_LOGGER resource`);
      }
    }
  }

  private validateLoggerNameExists(name: string): void {
    if (!loggerExists(name)) throw new InvalidConfigError(`Logger ${name} does not exist!`);
  }
}
