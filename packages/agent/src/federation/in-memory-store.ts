/** The `storeDir` of a throw-away store kept in memory (as DuckDB names it): no folder is made for it, nor for anything beside it. */
export const IN_MEMORY_STORE = ':memory:';
