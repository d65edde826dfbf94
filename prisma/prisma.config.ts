// Prisma CLI configuration for the ordinary workflow (`prisma migrate deploy|status|dev --config prisma/prisma.config.ts`).
// A plain object rather than `defineConfig`, so the file loads without resolving the `prisma` package from here.
export default {
  schema: "./schema.prisma",
  migrations: {
    path: "./migrations",
    seed: "node --import tsx ./seed.ts",
  },
  datasource: {
    url: process.env.DATABASE_URL ?? "",
  },
};
