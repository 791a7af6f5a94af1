{
  "targets": [
    {
      "target_name": "symtensor_cuda",
      "sources": [
        "native/addon.cc",
        "native/device.cc",
        "native/driver.cc",
        "native/nvrtc.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-ldl"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
