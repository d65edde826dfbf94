/** The API key of soak user `index`: the soak server issues these, and the load generator sends them. */
export const soakApiKey = (index: number): string => `nh_soak_${String(index).padStart(8, "0")}_0123456789abcdef`;
