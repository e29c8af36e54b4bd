// Placeholder until config/options.ts exists: generates docs/configuration.md from the option table.
process.exit(0);
