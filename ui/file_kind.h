// What a file given to the main window is (a drop, a recent file): an image the Forward page
// opens, a checkpoint or run folder the Reverse chain and Bound pages sample and evaluate, or
// an experiment (a training config, experiment.h) the Training page shows. Decided from the
// name (and, for a folder, what it holds), never by reading the file: opening it says whether
// it really is one.
#pragma once

#include <QString>
#include <QStringList>

namespace ddpm::ui {

enum class FileKind { Unknown, Image, Checkpoint, Experiment };

/// Image: a suffix of imageSuffixes(); Checkpoint: *.ckpt, or a folder holding checkpoints/ or
/// config.json (a run folder, opened as its newest checkpoint); Experiment: *.json. Suffixes
/// in any case.
FileKind fileKind(const QString& path);

/// The image suffixes core decodes (OpenCV), lower case, without the dot.
const QStringList& imageSuffixes();
/// A file dialog filter of them: "Images (*.png *.jpg ...);;All files (*)".
QString imageFileFilter();

/// "image", "checkpoint", "experiment" (how QSettings stores a kind); "" for Unknown.
QString fileKindName(FileKind kind);
/// The kind of such a name; Unknown for any other text.
FileKind fileKindFromName(const QString& name);

} // namespace ddpm::ui
