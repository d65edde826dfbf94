// Prisma CLI configuration for the ordinary workflow (`prisma migrate deploy|status|dev --config prisma/prisma.config.ts`).
// A plain object rather than `defineConfig`, so the file loads without resolving the `prisma` package from here.
export default {
  schema: "./schema.prisma",
  migrations: {
    path: "./migrations",
    seed: "pnpm db:seed",
  },
  datasource: {
    url: process.env.DATABASE_URL ?? "",
  },
};
