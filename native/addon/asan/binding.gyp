# The addon under AddressSanitizer, for `npm test` (scripts/test.js loads it into a Node run with
# the ASan runtime preloaded). Not for use otherwise.
{
  "targets": [
    {
      "target_name": "rx_teec",
      "includes": ["../addon.gypi"],
      "cflags_cc": ["-O1", "-g", "-fno-omit-frame-pointer", "-fsanitize=address"],
      "ldflags": ["-fsanitize=address"]
    }
  ]
}
