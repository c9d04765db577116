{
  "targets": [
    {
      "target_name": "rx_teec",
      "includes": ["addon.gypi"],
      "cflags_cc": ["-O2"]
    }
  ]
}
