/**
 * Texts of the portal's photo, location and materials pieces of the service pages, Simplified Chinese and
 * English (the English table is typed from the Chinese one). `{{name}}` placeholders are filled by `fill`.
 */
import { useTranslation } from 'react-i18next';

export const serviceMediaZhCN = {
  photos: '照片',
  photosHint: '最多 {{max}} 张，可拍照或从相册选择；上传前会自动压缩',
  addPhoto: '添加照片',
  takePhoto: '拍照',
  fromAlbum: '从相册选择',
  cancel: '取消',
  removePhoto: '删除这张照片',
  preparing: '处理中',
  uploading: '上传中 {{percent}}%',
  uploaded: '已上传',
  uploadFailed: '上传失败',
  notAPhoto: '请选择照片文件',
  tooLarge: '照片太大（超过 5 MB），请换一张或截图后上传',
  tooMany: '最多 {{max}} 张照片',
  heic: 'HEIC 照片',
  submittingPhotos: '正在上传照片 {{done}}/{{total}}',
  photosFailed: '工单已提交，但有 {{count}} 张照片没有上传成功',
  retryPhotos: '重新上传',
  skipPhotos: '不传了，查看工单',
  location: '位置',
  locationHint: '使用手机定位，方便维修人员找到现场。仅用于本次报修。',
  useLocation: '使用当前位置',
  locating: '正在定位…',
  located: '已获取位置（精度约 {{accuracy}} 米）',
  clearLocation: '不使用',
  locationDenied: '未获得定位权限。您可以在上方填写地址，或在手机设置中允许定位后重试。',
  locationUnavailable: '暂时无法定位，请填写地址',
  locationUnsupported: '此浏览器不支持定位，请填写地址',
  addressOrLocation: '请填写地址（至少 2 个字），或使用当前位置',
  photosTitle: '现场照片',
  photoStep: {
    submit: '报修照片',
    arrive: '到场',
    control: '控制漏点',
    restore: '恢复供水',
  },
  addMore: '补充照片',
  materials: '使用材料',
  openPhoto: '查看原图',
};

export type ServiceMediaText = typeof serviceMediaZhCN;

export const serviceMediaEn: ServiceMediaText = {
  photos: 'Photos',
  photosHint: 'Up to {{max}}, from the camera or the album; made smaller before sending',
  addPhoto: 'Add photo',
  takePhoto: 'Take a photo',
  fromAlbum: 'Choose from album',
  cancel: 'Cancel',
  removePhoto: 'Remove this photo',
  preparing: 'Preparing',
  uploading: 'Uploading {{percent}}%',
  uploaded: 'Uploaded',
  uploadFailed: 'Upload failed',
  notAPhoto: 'Choose a photo',
  tooLarge: 'The photo is too large (over 5 MB); choose another or send a screenshot',
  tooMany: 'At most {{max}} photos',
  heic: 'HEIC photo',
  submittingPhotos: 'Uploading photos {{done}}/{{total}}',
  photosFailed: 'Your request is in, but {{count}} photo(s) could not be uploaded',
  retryPhotos: 'Try again',
  skipPhotos: 'Skip, show the request',
  location: 'Location',
  locationHint: 'Use the phone’s location so the crew can find the place. Used for this report only.',
  useLocation: 'Use my location',
  locating: 'Locating…',
  located: 'Location found (within about {{accuracy}} m)',
  clearLocation: 'Don’t use',
  locationDenied: 'Location permission was not given. Enter an address above, or allow location in the phone’s settings and try again.',
  locationUnavailable: 'Location is not available now; enter an address',
  locationUnsupported: 'This browser cannot give a location; enter an address',
  addressOrLocation: 'Give an address (at least 2 characters) or use your location',
  photosTitle: 'Photos',
  photoStep: {
    submit: 'Reported',
    arrive: 'On site',
    control: 'Leak controlled',
    restore: 'Supply restored',
  },
  addMore: 'Add photos',
  materials: 'Materials used',
  openPhoto: 'Open the photo',
};

export function serviceMediaText(language: string): ServiceMediaText {
  return language.startsWith('en') ? serviceMediaEn : serviceMediaZhCN;
}

/** The texts of the current language, and the language. */
export function useServiceMediaText() {
  const { i18n } = useTranslation();
  return { text: serviceMediaText(i18n.language), language: i18n.language };
}
