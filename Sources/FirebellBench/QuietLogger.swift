import Logging

/// A logger that stays silent below `level`, so logging does not weigh on the figures.
func quietLogger(_ label: String = "bench", level: Logger.Level = .critical) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
}
