// Moved to db/ (the stored settings, below every layer); this re-export goes once importers point there.
export * from "../db/settings-schema";
