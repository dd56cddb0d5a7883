// The alert vocabulary lives beside the tables that store it (db/ imports nothing from lib/).
export * from "../../db/alert-events";
