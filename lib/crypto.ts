// Moved to db/ (how secrets are stored, below every layer); this re-export goes once importers point there.
export * from "../db/crypto";
