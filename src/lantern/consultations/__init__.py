"""Who was consulted on a licence or unit; what was told to exporters or the foreign government."""
