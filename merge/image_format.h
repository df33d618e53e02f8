#pragma once
// The per-format layer readers behind merge::Image (image.h). Each reads one file's own
// allocation (not its backing chain) into a LayerInfo, validating every table it touches.

#include <string>

#include "merge/image.h"
#include "merge/image_file.h"

namespace snapsim::merge {

// "qcow2", "vmdk" or "raw", from the first bytes of the file (format_probe.cc). Other
// known formats (VDI, VHD, VHDX, QED, LUKS, ...) and text files are refused with a hint.
Result<std::string> ProbeFormat(const ImageFile& file);
// The same with a format the user stated (-f), which must agree with the magic; empty
// `stated` probes.
Result<std::string> DetectFormat(const ImageFile& file, const std::string& stated);

// `file_id` is already in `files` as layer `layer`. `snapshot` (qcow2 only) selects an
// internal snapshot by id or name; empty means the active state.
Result<LayerInfo> ReadQcow2Layer(FileTable& files, uint32_t file_id, size_t layer,
                                 const std::string& snapshot);
Result<LayerInfo> ReadVmdkLayer(FileTable& files, uint32_t file_id, size_t layer);
Result<LayerInfo> ReadRawLayer(FileTable& files, uint32_t file_id, size_t layer);

}  // namespace snapsim::merge
